-- Finding a user by their exact username (GET /v1/users?username=, to open a direct room).
-- Usernames are unique and stored normalised (lower case), so equality on the column is the
-- whole lookup.
CREATE INDEX users_username ON users (username);
