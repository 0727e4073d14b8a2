"""The kernel every domain may use: errors, counters, time, privacy, uploads, locks."""
