-- is_tpsl: whether take-profit / stop-loss legs were attached to the order when it was placed.
ALTER TABLE orders ADD COLUMN is_tpsl INTEGER NOT NULL DEFAULT 0;
