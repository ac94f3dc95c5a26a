DROP INDEX conversions_customer;
