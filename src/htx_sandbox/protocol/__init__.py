"""HTX's wire protocol as both sides speak it: what the server checks and the client produces
(Signature v2 in `signature`). Pure code below `http` and `client`, so that neither has to
import the other to agree on the bytes."""
