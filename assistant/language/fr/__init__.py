"""French: names, and the other pieces of a French answer read on their own (pure, no Rasa)."""
