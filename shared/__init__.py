"""The library every Expe process uses: settings, ids, money, errors, logs, data and events."""
