"""Partner and influencer programmes beside the customer referrals: rules (commission,
attribution, terms), the checkout's partner look-up, the partners' e-mails and pages."""
