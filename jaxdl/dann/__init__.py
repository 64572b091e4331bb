"""Domain-adversarial training (DANN): gradient reversal, the paper's schedules, train steps and baselines."""
