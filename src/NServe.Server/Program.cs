// Placeholder entry point while the server is being built; replaced by the real host.
return 0;
