"""Personal data of an institution: export it all, delete it all, and keep
e-mail addresses and phone numbers out of visitors' comments."""
