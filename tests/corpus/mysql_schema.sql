-- sqlx-rw MySQL/MariaDB routing corpus: schema for tests/corpus/mysql.sql
--
-- Run ONCE on the primary, as the application user, in a fresh (empty)
-- database that is the connection's default database, as ONE multi-statement
-- string (client flag CLIENT_MULTI_STATEMENTS). No DELIMITER is used: the
-- server parses each statement itself, so BEGIN ... END routine bodies with
-- inner ";" work in a multi-statement string. Creating stored routines as a
-- user without SUPER needs log_bin_trust_function_creators=1 on the primary
-- (scripts/mariadb-cluster configures it). Needs MariaDB >= 10.5 (SEQUENCE,
-- RETURNING).
CREATE TABLE t (
    id INT PRIMARY KEY AUTO_INCREMENT,
    name VARCHAR(100),
    v INT,
    created DATETIME,
    data JSON,
    KEY t_v (v),
    UNIQUE KEY t_name (name)
) ENGINE=InnoDB;
CREATE TABLE customers (
    id INT PRIMARY KEY AUTO_INCREMENT,
    email VARCHAR(200) NOT NULL,
    country CHAR(2) NOT NULL DEFAULT 'US',
    UNIQUE KEY customers_email (email)
) ENGINE=InnoDB;
CREATE TABLE orders (
    id INT PRIMARY KEY AUTO_INCREMENT,
    customer_id INT NOT NULL,
    status ENUM('new', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'new',
    total DECIMAL(10, 2) NOT NULL DEFAULT 0,
    placed_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY orders_customer (customer_id),
    KEY orders_status_placed (status, placed_at),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;
CREATE TABLE items (
    id INT PRIMARY KEY AUTO_INCREMENT,
    order_id INT NOT NULL,
    sku VARCHAR(40) NOT NULL,
    qty INT NOT NULL DEFAULT 1,
    price DECIMAL(10, 2) NOT NULL,
    KEY items_order (order_id),
    CONSTRAINT items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE kv (
    k VARCHAR(50) PRIMARY KEY,
    val TEXT,
    hits INT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
CREATE TABLE tree (
    id INT PRIMARY KEY,
    parent_id INT NULL,
    label VARCHAR(50) NOT NULL,
    KEY tree_parent (parent_id)
) ENGINE=InnoDB;
CREATE TABLE audit (
    id INT PRIMARY KEY AUTO_INCREMENT,
    msg VARCHAR(200) NOT NULL,
    at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;
CREATE VIEW v_t AS SELECT id, name, v FROM t WHERE v IS NOT NULL;
CREATE SEQUENCE seq1;
CREATE FUNCTION f_read(x INT) RETURNS INT DETERMINISTIC RETURN x + 1;
CREATE FUNCTION f_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM t);
CREATE FUNCTION f_write() RETURNS INT MODIFIES SQL DATA
BEGIN
    INSERT INTO audit (msg) VALUES ('f_write');
    RETURN 1;
END;
CREATE PROCEDURE p_read() READS SQL DATA
BEGIN
    SELECT id, name, v FROM t ORDER BY id;
END;
CREATE PROCEDURE p_read_arg(IN lim INT, OUT n INT) READS SQL DATA
BEGIN
    SELECT COUNT(*) INTO n FROM t WHERE id <= lim;
END;
CREATE PROCEDURE p_write() MODIFIES SQL DATA
BEGIN
    INSERT INTO audit (msg) VALUES ('p_write');
END;
CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW
    INSERT INTO audit (msg) VALUES (CONCAT('insert t ', NEW.id));
INSERT INTO t (name, v, created, data) VALUES
    ('alpha', 1, '2024-01-01 10:00:00', '{"a": 1, "tags": ["x", "y"]}'),
    ('beta', 2, '2024-01-02 11:30:00', '{"a": 2, "tags": []}'),
    ('gamma', NULL, '2024-02-03 12:00:00', NULL),
    ('it''s', 4, '2024-03-04 08:15:00', '{"a": 4, "nested": {"b": true}}'),
    ('delta', 5, NULL, '[1, 2, 3]');
INSERT INTO customers (email, country) VALUES
    ('ann@example.com', 'US'), ('bob@example.com', 'DE'), ('cho@example.com', 'KR');
INSERT INTO orders (customer_id, status, total, placed_at) VALUES
    (1, 'paid', 30.00, '2024-01-05 09:00:00'),
    (1, 'new', 12.50, '2024-02-01 10:00:00'),
    (2, 'shipped', 99.99, '2024-02-10 15:00:00'),
    (3, 'cancelled', 5.00, '2024-03-01 18:00:00');
INSERT INTO items (order_id, sku, qty, price) VALUES
    (1, 'A-1', 2, 10.00), (1, 'B-2', 1, 10.00), (2, 'A-1', 1, 12.50),
    (3, 'C-3', 3, 33.33), (4, 'B-2', 1, 5.00);
INSERT INTO kv (k, val, hits) VALUES ('greeting', 'hello', 1), ('mode', 'test', 0);
INSERT INTO tree (id, parent_id, label) VALUES
    (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 4, 'a1x');
