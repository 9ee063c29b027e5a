export { billingSchemaSql } from "../tenants/billingRow";

export const billingDatabase = "billing";
export const billingUser = "billing";
