CREATE PROCEDURE find_user(IN name TEXT)
BEGIN
  SET @q = CONCAT('SELECT * FROM users WHERE name = ''', name, '''');
  EXECUTE IMMEDIATE 'SELECT * FROM ' || tbl;
  EXEC(@sql);
  -- EXEC(@sql) was removed
END;
