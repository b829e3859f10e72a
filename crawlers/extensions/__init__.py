"""Extensions: `crawl_delay.RobotsCrawlDelay` (robots Crawl-delay applied to the host's slot) and
`crawl_report.CrawlReport` (run_record row and source health on spider_closed)."""
