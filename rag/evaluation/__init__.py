"""Evaluation on gold Q&A files: retrieval, figures, abstention, and the baselines."""
