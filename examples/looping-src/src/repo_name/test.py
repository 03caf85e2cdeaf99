VALUE = "repo_name.test"
