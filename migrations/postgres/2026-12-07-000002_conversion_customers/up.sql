-- Customer continuity (a conversion with a customer id and no click follows the customer's
-- first conversion) and customer lifetime value look conversions up by customer.
CREATE INDEX conversions_customer ON conversions (customer_id, occurred_at);
