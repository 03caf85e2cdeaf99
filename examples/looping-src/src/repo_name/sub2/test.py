NAME = "sub2"
