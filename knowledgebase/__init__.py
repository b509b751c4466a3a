"""Knowledge base articles authored in the admin site and the public help center."""
