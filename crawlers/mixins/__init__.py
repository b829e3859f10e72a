"""Behaviour shared by the regional-portal, platform-family and prefecture spiders, on top of
`crawlers.base_spiders.base.BaseSpider`: page-structure checks and tenant lists."""
