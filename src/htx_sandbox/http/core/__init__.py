"""What every endpoint goes through: the declaration, envelopes, bodies, JSON, rate limits."""
