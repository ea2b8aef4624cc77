import HireETL

print("hire-etl \(hireETLVersion)")
