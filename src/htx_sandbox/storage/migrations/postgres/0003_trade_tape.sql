-- The public tape reads the newest taker fills; this lets that read stop after its limit.
CREATE INDEX trades_tape ON trades (trade_id) WHERE role = 'taker';
