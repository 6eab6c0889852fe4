"""Joining an event on a phone: who may join as an officer already at the event (join PINs,
requests that command approves or refuses), and ending an officer's devices."""
