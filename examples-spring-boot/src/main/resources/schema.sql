CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, item text NOT NULL, email text NOT NULL,
                                   placed_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS emails (order_id bigint NOT NULL REFERENCES orders(id), recipient text NOT NULL,
                                   sent_at timestamptz NOT NULL DEFAULT now());
-- units on hand; an order takes one after its email is enqueued (none left: the order rolls back)
CREATE TABLE IF NOT EXISTS stock (item text PRIMARY KEY, units integer NOT NULL CHECK (units >= 0));
INSERT INTO stock(item, units) VALUES ('tea', 1000000), ('rare tea', 0) ON CONFLICT (item) DO NOTHING;
