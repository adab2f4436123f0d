"""Occupation understanding eval: ROME-code accuracy of ``referentials.occupation`` on offer titles."""
