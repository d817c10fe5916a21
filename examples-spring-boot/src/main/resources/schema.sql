CREATE TABLE IF NOT EXISTS stock (
    item text PRIMARY KEY,
    units integer NOT NULL CHECK (units >= 0)
);
INSERT INTO stock(item, units) VALUES ('widget', 1000000), ('gadget', 5) ON CONFLICT (item) DO NOTHING;

CREATE TABLE IF NOT EXISTS orders (
    id bigserial PRIMARY KEY,
    item text NOT NULL,
    quantity integer NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);

-- one row per confirmation email sent (the worker's job writes it)
CREATE TABLE IF NOT EXISTS emails (
    order_id bigint PRIMARY KEY,
    sent_at timestamptz NOT NULL DEFAULT now()
);
