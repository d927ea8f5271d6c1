"""Halls, pavilions and stalls, stall allocation and the floor plan."""
