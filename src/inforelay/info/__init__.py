"""info"""
