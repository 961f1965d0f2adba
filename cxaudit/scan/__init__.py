"""The scan engine: crawling a site in headless Chromium and running page audits."""
