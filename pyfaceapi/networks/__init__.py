"""One module per net, as face-api.js has one folder per net: options, pre- and post-processing."""
