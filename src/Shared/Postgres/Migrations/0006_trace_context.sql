-- OpenTelemetry: each event names the span that emitted it (W3C ids as lowercase hex), so a log line of a
-- run links to the node attempt's span in whatever backend the spans were exported to. Null on older rows.
ALTER TABLE trace_events
    ADD COLUMN trace_id text,
    ADD COLUMN span_id  text;
