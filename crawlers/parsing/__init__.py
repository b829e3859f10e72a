"""Pure parsing helpers for the regional portals, platform families and prefectures.

Every function here takes text or a saved page and returns plain values: no network, no database,
so each one is tested on saved pages (tests/crawlers/regional/).
"""
