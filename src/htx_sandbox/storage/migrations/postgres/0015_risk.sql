-- Risk and liquidation. A contract's own adjust-factor ladders ('' : the defaults for every
-- lever rate); an order's HTX order_type (3: forced liquidation), liquidation_type ("1"
-- netting, "2" partial, "3" full) and canceled_source ("risk" when a liquidation cancelled it).
ALTER TABLE contracts ADD COLUMN adjust_factors TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN order_type BIGINT NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN liquidation_type TEXT NOT NULL DEFAULT '0';
ALTER TABLE orders ADD COLUMN canceled_source TEXT NOT NULL DEFAULT '';
-- The public feed (v3 swap_liquidation_orders): a contract's partial and full liquidation
-- orders by time; the account's own history (trade_type 5, 6) finds them through
-- orders_by_user.
CREATE INDEX orders_liquidated ON orders (contract_code, created_at, order_id)
    WHERE order_type = 3 AND liquidation_type <> '1';
-- The insurance fund's balance after each liquidation that moved it (swap_insurance_fund);
-- several in one millisecond keep the last.
CREATE TABLE insurance_fund (
    symbol  TEXT NOT NULL,
    ts      BIGINT NOT NULL,
    balance NUMERIC NOT NULL,
    PRIMARY KEY (symbol, ts)
);
