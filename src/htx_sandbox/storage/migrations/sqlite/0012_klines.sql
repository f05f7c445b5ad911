-- Kline bars of every series (trades, mark price, open interest, ...), kept as trades commit so
-- that a restart reads bars instead of replaying trades. Reads go by the key: one series, a
-- range of bar ids (seconds). WITHOUT ROWID keeps the rows in key order, so a range is one
-- contiguous read.
CREATE TABLE klines (
    series        TEXT NOT NULL,
    contract_code TEXT NOT NULL,
    period        TEXT NOT NULL,
    id            INTEGER NOT NULL,
    open          TEXT NOT NULL,
    high          TEXT NOT NULL,
    low           TEXT NOT NULL,
    close         TEXT NOT NULL,
    vol           INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    amount        TEXT NOT NULL,
    PRIMARY KEY (series, contract_code, period, id)
) WITHOUT ROWID;
