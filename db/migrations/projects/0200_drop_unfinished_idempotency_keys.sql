-- Before ADR 0010 a key was reserved in its own committed row (status_code null) and completed later, so a crash in
-- between left it "in progress" for the whole retention window. Keys are now claimed inside the request's transaction
-- and a committed row always holds a response: the leftovers are reservations of requests that are long over.
delete from projects.idempotency_keys where status_code is null;
