"""Do two outlets' statements contradict each other? One module per kind of disagreement."""
