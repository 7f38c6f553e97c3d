"""Configuration: YAML files and environment settings loaded once into frozen, validated objects."""
