-- swap_relation_tpsl_order reads an opening order's TP/SL legs by the order they are attached
-- to (Store.tpsl_legs_of); only attached legs have one.
CREATE INDEX strategy_orders_by_source ON strategy_orders (source_order_id)
    WHERE source_order_id IS NOT NULL;
