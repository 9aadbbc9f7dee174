-- Partial refunds: every refund an order receives, counted once by the platform's own refund id,
-- and how much of each order has been refunded so far (the whole total once it is refunded).

ALTER TABLE orders ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET refunded_minor = total_minor WHERE status = 'refunded';

CREATE TABLE order_refunds (
    id INTEGER PRIMARY KEY,
    order_pk INTEGER NOT NULL REFERENCES orders (id),
    -- e.g. 'refund:509562969' (Shopify, WooCommerce) or 'amount_refunded:5000' (Stripe)
    refund_key TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    -- 1: amount_minor is everything refunded so far (Stripe's amount_refunded), not this refund alone
    cumulative INTEGER NOT NULL DEFAULT 0 CHECK (cumulative IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (order_pk, refund_key)
);
