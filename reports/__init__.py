"""The activity report: what each space did over a period, for facilitators and staff.

Its own app because it only reads, and reads across every other app (membership and the event
log, discussion, documents, meetings); it owns no table."""
