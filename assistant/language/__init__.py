"""Language toolkits: reading what patients say, one package per language."""
