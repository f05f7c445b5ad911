-- Kline bars of every series (trades, mark price, open interest, ...), kept as trades commit so
-- that a restart reads bars instead of replaying trades. Reads go by the key: one series, a
-- range of bar ids (seconds).
CREATE TABLE klines (
    series        TEXT NOT NULL,
    contract_code TEXT NOT NULL,
    period        TEXT NOT NULL,
    id            BIGINT NOT NULL,
    open          NUMERIC NOT NULL,
    high          NUMERIC NOT NULL,
    low           NUMERIC NOT NULL,
    close         NUMERIC NOT NULL,
    vol           BIGINT NOT NULL,
    count         BIGINT NOT NULL,
    amount        NUMERIC NOT NULL,
    PRIMARY KEY (series, contract_code, period, id)
);
