"""The library every Expe process uses: settings, ids, money, errors, logging, data and event plumbing."""
