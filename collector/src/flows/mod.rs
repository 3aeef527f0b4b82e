//! Served flows (COLLECTOR.md section 7 and the assignment of section 8), pure: a flow
//! document read and checked, its rules (JSON Logic) and patches (JSON Merge Patch), the
//! customer's facts, eligibility, the experiment's assignment, and the config resolved for
//! one customer. No I/O: the store finds the facts, the HTTP layer serves the result.
