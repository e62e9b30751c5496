"""Who says what: the per-outlet comparer, conflicts, speakers, wire copies, framing."""
