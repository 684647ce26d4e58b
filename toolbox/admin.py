"""The toolbox in the admin: nothing. Admins do not read toolbox content (DESIGN.md: the crisis plan, network
map, medication notes and reflections are the service user's own), and shares are the user's to give and take
back, so neither is registered here. What admins will manage for the toolbox (exercises, information pages,
local links) is registered by those modules when they are built."""
