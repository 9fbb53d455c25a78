"""The WeCom server API: client, access_token store, errors."""
