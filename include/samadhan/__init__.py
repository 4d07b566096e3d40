"""samadhan: the data pipeline for UPPCL's One Time Settlement scheme."""
