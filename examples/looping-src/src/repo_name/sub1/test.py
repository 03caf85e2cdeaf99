NAME = "sub1"
