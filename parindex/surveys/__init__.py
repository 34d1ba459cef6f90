"""Sociological surveys (điều tra xã hội học), pure: XLSForm questionnaires, response imports
(ODK, KoboToolbox), integrity rules and weighted scoring with intervals. No Django."""
