"""The device as a home appliance: invitations (their rules, offers and store), the service unit, the wall clock a run is journaled on."""
