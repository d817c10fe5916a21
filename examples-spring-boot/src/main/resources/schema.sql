CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, item text NOT NULL, email text NOT NULL,
                                   placed_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS emails (order_id bigint NOT NULL REFERENCES orders(id), recipient text NOT NULL,
                                   sent_at timestamptz NOT NULL DEFAULT now());
