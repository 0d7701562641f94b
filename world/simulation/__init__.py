"""The world clock (DESIGN §7): game time, needs, planning and NPC actions, one tick at a time."""
